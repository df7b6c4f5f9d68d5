/** The console page's entry point (compiled by `npm run build:console` into dist/console.js and dist/console.css). */
import 'graphiql/style.css';
import './console.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
