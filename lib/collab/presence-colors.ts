// A stable, readable colour per user for cursors and member badges.
const PALETTE = ['#e11d48', '#2563eb', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#ea580c', '#4f46e5']

export function colorFor(userId: string): string {
  let h = 2166136261
  for (let i = 0; i < userId.length; i++) h = Math.imul(h ^ userId.charCodeAt(i), 16777619)
  return PALETTE[(h >>> 0) % PALETTE.length] ?? '#2563eb'
}
