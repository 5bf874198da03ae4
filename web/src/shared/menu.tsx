/**
 * A menu button with radio items (speed, quality, layout): WAI-ARIA menu button pattern. Arrow keys move
 * between items, Escape closes and returns focus, a click outside closes.
 */
import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactElement, type ReactNode } from 'react';

export type MenuItem<T> = { value: T; label: string; detail?: string };

export type MenuProps<T> = {
  label: string;
  button: ReactNode;
  items: readonly MenuItem<T>[];
  value: T;
  onSelect: (value: T) => void;
  className?: string;
  title?: string;
};

export const Menu = <T,>({ label, button, items, value, onSelect, className, title }: MenuProps<T>): ReactElement => {
  const [open, setOpen] = useState(false);
  const menuId = useId();
  const root = useRef<HTMLDivElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) {
      return undefined;
    }
    const checked = root.current?.querySelector<HTMLElement>('[aria-checked="true"]') ?? root.current?.querySelector<HTMLElement>('[role="menuitemradio"]');
    checked?.focus();
    const onPointerDown = (event: PointerEvent) => {
      if (root.current !== null && !root.current.contains(event.target as Node)) {
        setOpen(false);
      }
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [open]);

  const close = () => {
    setOpen(false);
    trigger.current?.focus();
  };

  const onMenuKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const options = [...(root.current?.querySelectorAll<HTMLElement>('[role="menuitemradio"]') ?? [])];
    const index = options.indexOf(document.activeElement as HTMLElement);
    const move = (to: number) => options[(to + options.length) % options.length]?.focus();
    event.stopPropagation();
    if (event.key === 'Escape' || event.key === 'Tab') {
      event.preventDefault();
      close();
    } else if (event.key === 'ArrowDown') {
      event.preventDefault();
      move(index + 1);
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      move(index - 1);
    } else if (event.key === 'Home') {
      event.preventDefault();
      move(0);
    } else if (event.key === 'End') {
      event.preventDefault();
      move(options.length - 1);
    }
  };

  return (
    <div className={`menu ${className ?? ''}`} ref={root}>
      <button
        ref={trigger}
        type="button"
        className="icon-button"
        aria-label={label}
        title={title ?? label}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        onClick={() => setOpen((wasOpen) => !wasOpen)}
      >
        {button}
      </button>
      {open && (
        <div className="menu-popup" role="menu" id={menuId} aria-label={label} onKeyDown={onMenuKeyDown}>
          {items.map((item) => (
            <button
              key={String(item.value)}
              type="button"
              role="menuitemradio"
              aria-checked={item.value === value}
              tabIndex={-1}
              onClick={() => {
                onSelect(item.value);
                close();
              }}
            >
              <span className="menu-check" aria-hidden="true">
                {item.value === value ? '✓' : ''}
              </span>
              <span>{item.label}</span>
              {item.detail !== undefined && <span className="menu-detail">{item.detail}</span>}
            </button>
          ))}
        </div>
      )}
    </div>
  );
};
