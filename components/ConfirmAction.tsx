'use client'
// A destructive action asked twice: the button opens an inline question in its place whose safe
// answer ("Keep") has the focus; Keep or Escape closes it and gives the focus back to the button.
// Used for everything that takes away something a person made or shared (forget ratings,
// unpublish, revoke a link), so that one stray click never does.
import { useEffect, useRef, useState, type ReactNode } from 'react'

export interface ConfirmActionProps {
  /** the button's text */
  children: ReactNode
  /** the question shown in its place, e.g. "Unpublish “Sunny”?" */
  question: ReactNode
  /** the confirming button's text, e.g. "Unpublish" */
  confirm: string
  /** the question's accessible name, e.g. "Confirm unpublishing Sunny" */
  groupLabel: string
  onConfirm: () => void
  /** the button's accessible name when its text is not enough */
  ariaLabel?: string
  /** shown but not actionable (aria-disabled: it stays focusable, so the focus can come back) */
  disabled?: boolean
  className?: string
  /** small buttons for dense panels */
  size?: 'sm' | 'md'
}

export function ConfirmAction({ children, question, confirm, groupLabel, onConfirm, ariaLabel, disabled = false, className = '', size = 'md' }: ConfirmActionProps) {
  const [asking, setAsking] = useState(false)
  const keep = useRef<HTMLButtonElement>(null)
  const trigger = useRef<HTMLButtonElement>(null)
  const wasAsking = useRef(false)
  useEffect(() => {
    if (asking) keep.current?.focus()
    else if (wasAsking.current) trigger.current?.focus()
    wasAsking.current = asking
  }, [asking])

  const pad = size === 'sm' ? 'px-1.5 py-0.5 text-xs' : 'px-3 py-1.5 text-sm'
  if (asking)
    return (
      <span role="group" aria-label={groupLabel} className="inline-flex flex-wrap items-center gap-2" onKeyDown={(e) => e.key === 'Escape' && setAsking(false)}>
        <span className={size === 'sm' ? 'text-xs' : 'text-sm'}>{question}</span>
        <button
          type="button"
          onClick={() => {
            setAsking(false)
            onConfirm()
          }}
          className={`rounded-lg bg-rose-700 font-medium text-white outline-none focus-visible:ring-2 focus-visible:ring-rose-600 focus-visible:ring-offset-2 ${pad}`}
        >
          {confirm}
        </button>
        <button ref={keep} type="button" onClick={() => setAsking(false)} className={`rounded-lg border border-black/15 bg-white outline-none focus-visible:ring-2 focus-visible:ring-violet-600 ${pad}`}>
          Keep
        </button>
      </span>
    )
  return (
    <button
      ref={trigger}
      type="button"
      aria-label={ariaLabel}
      aria-disabled={disabled || undefined}
      onClick={() => !disabled && setAsking(true)}
      className={`outline-none focus-visible:ring-2 focus-visible:ring-violet-600 aria-disabled:opacity-40 ${className}`}
    >
      {children}
    </button>
  )
}
