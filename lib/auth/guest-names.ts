// Friendly default names for guests, so collaborators see "Teal Otter" rather than "Anonymous"
// (guests can rename themselves).
const COLOURS = ['Amber', 'Coral', 'Indigo', 'Jade', 'Lilac', 'Olive', 'Rust', 'Saffron', 'Teal', 'Umber', 'Violet', 'Cobalt']
const ANIMALS = ['Otter', 'Heron', 'Lynx', 'Marten', 'Gecko', 'Ibis', 'Panda', 'Quokka', 'Raven', 'Tapir', 'Wren', 'Yak']

export function guestName(random: () => number = Math.random): string {
  const pick = (list: string[]) => list[Math.floor(random() * list.length)] as string
  return `${pick(COLOURS)} ${pick(ANIMALS)}`
}
