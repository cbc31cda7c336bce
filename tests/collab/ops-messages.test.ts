import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { StoredOp } from '../../lib/collab/protocol'
import { planOpsMessages, type OpsMessage } from '../../lib/collab/rooms'

const op = (seq: number): StoredOp => ({ seq, opId: randomUUID(), authorId: 'u', kind: 'remove', objectId: `o${seq}`, payload: {} })

/** What each member of a room hears from a plan: a room message reaches everyone not excepted. */
function delivered(plan: OpsMessage[], members: string[]): Map<string, number[]> {
  const heard = new Map(members.map((m) => [m, [] as number[]]))
  for (const m of plan) {
    const to = m.room ? members.filter((s) => !m.except.includes(s)) : [m.socketId]
    for (const s of to) heard.get(s)!.push(...m.ops.map((o) => o.seq))
  }
  return heard
}

describe('batched op broadcasts', () => {
  it('one sender: one message to the room without it, in seq order', () => {
    const plan = planOpsMessages([
      { op: op(4), except: 'a' },
      { op: op(3), except: 'a' },
    ])
    expect(plan).toHaveLength(1)
    expect(plan[0]).toMatchObject({ room: true, except: ['a'] })
    expect(plan[0]!.ops.map((o) => o.seq)).toEqual([3, 4])
  })

  it('several senders: every member hears every op but its own, once, in seq order', () => {
    const entries = [
      { op: op(1), except: 'a' },
      { op: op(2), except: 'b' },
      { op: op(3), except: 'a' },
      { op: op(5), except: 'c' },
      { op: op(4), except: 'b' },
    ]
    const plan = planOpsMessages(entries)
    // the room minus the senders, then each sender its share: 4 messages instead of 5 per member
    expect(plan).toHaveLength(4)
    const heard = delivered(plan, ['a', 'b', 'c', 'd', 'e'])
    expect(heard.get('a')).toEqual([2, 4, 5])
    expect(heard.get('b')).toEqual([1, 3, 5])
    expect(heard.get('c')).toEqual([1, 2, 3, 4])
    expect(heard.get('d')).toEqual([1, 2, 3, 4, 5])
    expect(heard.get('e')).toEqual([1, 2, 3, 4, 5])
  })

  it('random batches: the same deliveries as one message per op', () => {
    for (let trial = 0; trial < 200; trial++) {
      const members = ['a', 'b', 'c', 'd']
      const n = 1 + Math.floor(Math.random() * 8)
      const entries = Array.from({ length: n }, (_, i) => ({ op: op(i + 1), except: members[Math.floor(Math.random() * 3)]! }))
      const expected = new Map(members.map((m) => [m, entries.filter((e) => e.except !== m).map((e) => e.op.seq)]))
      expect(delivered(planOpsMessages([...entries].reverse()), members)).toEqual(expected)
    }
  })
})
