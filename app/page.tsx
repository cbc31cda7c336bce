import Link from 'next/link'
import learningJson from '../public/models/emoji-faces-64-r2/learning.json'
import { figureSize, learningFigureSchema, stepLabel } from '@/lib/gan/learning-figure'
import { modelBaseUrl } from '@/lib/gan/manifest'

// written by `npm run figures` from the shipped checkpoints; validated at build time
const learning = learningFigureSchema.parse(learningJson)

const STEPS = [
  {
    title: 'The machine doodles',
    body: 'A generator network trained by this project paints 64×64 base images right in your browser. Watch it go from noise to faces across its training checkpoints.',
  },
  {
    title: 'People refine, together',
    body: 'Open a base image on a shared canvas: brushes, shapes and text on top of the machine’s work, with everyone’s edits in one ordered history.',
  },
  {
    title: 'Taste steers the model',
    body: 'Rate samples, breed the ones you like and publish what you made. Every piece keeps its provenance: the latent, the checkpoint and each stroke.',
  },
]

export default function HomePage() {
  return (
    <div className="space-y-14">
      <section className="grid gap-8 md:grid-cols-[3fr_2fr] md:items-center">
        <div className="space-y-5">
          <p className="text-sm font-medium uppercase tracking-widest text-violet-700">Human-in-the-loop art studio</p>
          <h1 className="text-4xl font-bold tracking-tight md:text-5xl">A GAN learns to draw. You show it what it missed.</h1>
          <p className="max-w-xl text-lg text-black/70">
            GANvas pairs a generative adversarial network, trained here from doodles to masterpieces, with a real-time
            canvas where artists refine its images together, and a gallery that remembers how every piece was made.
          </p>
          <div className="flex flex-wrap gap-3">
            <Link href="/generate" className="rounded-lg bg-violet-700 px-4 py-2 text-sm font-medium text-white hover:bg-violet-800">
              Start from a generated face
            </Link>
            <Link href="/lab" className="rounded-lg border border-black/15 bg-white px-4 py-2 text-sm font-medium hover:border-black/30">
              Watch it learn
            </Link>
            <Link href="/gallery" className="rounded-lg border border-black/15 bg-white px-4 py-2 text-sm font-medium hover:border-black/30">
              Browse the gallery
            </Link>
            <Link href="/credits" className="rounded-lg border border-black/15 bg-white px-4 py-2 text-sm font-medium hover:border-black/30">
              Data and model credits
            </Link>
            <Link href="/status" className="rounded-lg border border-black/15 bg-white px-4 py-2 text-sm font-medium hover:border-black/30">
              Service status
            </Link>
          </div>
        </div>
        <LearningFigureView />
      </section>

      <section aria-labelledby="how" className="space-y-6">
        <h2 id="how" className="text-2xl font-semibold tracking-tight">
          How it works
        </h2>
        <ol className="grid gap-4 md:grid-cols-3">
          {STEPS.map((step, i) => (
            <li key={step.title} className="rounded-xl border border-black/10 bg-white p-5 shadow-sm">
              <span className="text-sm font-semibold text-violet-700">Step {i + 1}</span>
              <h3 className="mt-1 text-lg font-semibold">{step.title}</h3>
              <p className="mt-2 text-sm text-black/70">{step.body}</p>
            </li>
          ))}
        </ol>
      </section>
    </div>
  )
}

/** The same latents at a few checkpoints of the shipped run: what "learns to draw" looks like. */
function LearningFigureView() {
  const { width, height } = figureSize(learning)
  const steps = learning.steps.map(stepLabel)
  return (
    <figure className="rounded-2xl border border-black/10 bg-white p-4 shadow-sm">
      <div className="grid text-center text-xs font-medium text-black/60" style={{ gridTemplateColumns: `repeat(${steps.length}, minmax(0, 1fr))` }} aria-hidden>
        {steps.map((s) => (
          <span key={s}>step {s}</span>
        ))}
      </div>
      {/* eslint-disable-next-line @next/next/no-img-element -- a small PNG shown pixel for pixel; next/image would resample it */}
      <img
        src={`${modelBaseUrl(learning.model)}/learning.png`}
        width={width}
        height={height}
        alt={`${learning.rows} generated images at each of training steps ${steps.join(', ')}: noise at step 0, colour blobs, then emoji faces`}
        className="mt-2 h-auto w-full [image-rendering:pixelated]"
      />
      <figcaption className="mt-3 text-sm text-black/60">
        The same {learning.rows} latents, drawn by the shipped generator as it trained.{' '}
        <Link href="/lab" className="text-violet-700 underline underline-offset-2 hover:text-violet-900">
          Scrub every checkpoint in the lab
        </Link>
        .
      </figcaption>
    </figure>
  )
}
