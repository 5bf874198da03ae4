/** Asks for the API token when there is none or the server refused it (`reprise serve` prints a link with it). */
import { useState, type ReactElement } from 'react';

export const TokenPrompt = ({ rejected, onSubmit }: { rejected: boolean; onSubmit: (token: string) => void }): ReactElement => {
  const [value, setValue] = useState('');
  return (
    <main className="page token-page">
      <form
        className="token-card"
        onSubmit={(event) => {
          event.preventDefault();
          if (value.trim() !== '') {
            onSubmit(value.trim());
          }
        }}
      >
        <h1 className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Reprise
        </h1>
        <p>{rejected ? 'The server did not accept the API token. Enter the current one.' : 'Enter the API token to open the library.'}</p>
        <p className="muted">
          <code>reprise serve</code> prints a link with it (<code>/#token=…</code>), and keeps it in <code>&lt;data&gt;/api-token</code>.
        </p>
        <label className="field">
          <span className="field-label">API token</span>
          <input type="password" autoComplete="current-password" value={value} onChange={(event) => setValue(event.target.value)} autoFocus required />
        </label>
        <button type="submit" className="button is-primary">
          Continue
        </button>
      </form>
    </main>
  );
};
