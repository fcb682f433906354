import { useEffect, useRef, type ReactNode } from 'react';

/** A modal <dialog>: focus is trapped by the browser, Escape closes it. */
export function Dialog({
  title,
  children,
  actions,
  onClose,
  labelledBy = 'dialog-title',
}: {
  title: ReactNode;
  children: ReactNode;
  actions: ReactNode;
  onClose(): void;
  labelledBy?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={labelledBy}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <h2 id={labelledBy} className="dialog-title">
        {title}
      </h2>
      <div className="dialog-body">{children}</div>
      <div className="dialog-actions">{actions}</div>
    </dialog>
  );
}
