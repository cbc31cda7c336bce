// The document size limit (issue 4: document <= 5 MB), measured as the stored JSON's UTF-8 bytes.
import { describe, expect, it } from 'vitest'
import { assertDocumentSize, DocumentTooLargeError, documentBytes, emptyDocument, MAX_DOCUMENT_BYTES } from '../../lib/canvas/document'
import { canvasObjectSchema } from '../../lib/canvas/objects'

const text = (id: string, body: string) => canvasObjectSchema.parse({ id, type: 'text', left: 0, top: 0, text: body, fontSize: 20, fill: '#000000', width: 100 })

describe('document size', () => {
  it('counts UTF-8 bytes of the JSON, not characters', () => {
    const ascii = emptyDocument()
    ascii.objects.t = text('t', 'e'.repeat(100))
    ascii.order.push('t')
    const accented = emptyDocument()
    accented.objects.t = text('t', 'é'.repeat(100))
    accented.order.push('t')
    expect(documentBytes(ascii)).toBe(JSON.stringify(ascii).length)
    expect(documentBytes(accented) - documentBytes(ascii)).toBe(100)
  })

  it('allows 5 MB and refuses one byte more, with a message that says what to do', () => {
    // ids of one length, so that every full object adds the same number of bytes
    const id = (i: number) => `t${String(i).padStart(5, '0')}`
    const doc = emptyDocument()
    const add = (i: number, body: string) => {
      doc.objects[id(i)] = text(id(i), body)
      doc.order.push(id(i))
    }
    add(0, 'x'.repeat(5_000))
    const one = documentBytes(doc)
    add(1, 'x'.repeat(5_000))
    const full = documentBytes(doc) - one
    let n = 2
    for (let size = one + full; size + full < MAX_DOCUMENT_BYTES; size += full) add(n++, 'x'.repeat(5_000))
    // the last object's text takes the document to exactly the limit
    add(n, '')
    const rest = MAX_DOCUMENT_BYTES - documentBytes(doc)
    expect(rest).toBeGreaterThan(0)
    expect(rest).toBeLessThanOrEqual(5_000)
    doc.objects[id(n)] = text(id(n), 'x'.repeat(rest))
    expect(documentBytes(doc)).toBe(MAX_DOCUMENT_BYTES)
    expect(() => assertDocumentSize(doc)).not.toThrow()
    doc.objects[id(n)] = text(id(n), 'x'.repeat(rest + 1))
    expect(documentBytes(doc)).toBe(MAX_DOCUMENT_BYTES + 1)
    expect(() => assertDocumentSize(doc)).toThrow(DocumentTooLargeError)
    expect(() => assertDocumentSize(doc)).toThrow(/5\.0 MB, over the 5 MB limit: remove or simplify/)
  })
})
