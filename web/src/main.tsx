import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { QueryClientProvider } from '@tanstack/react-query';
import { queries } from './app/queries';
import { loadConfig } from './api/config';
import { initApi } from './api/http';
import { restoreSession } from './auth/session';
import { App } from './app/App';
import './i18n';
import './styles.css';

await loadConfig();
initApi();
void restoreSession();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queries}>
      <BrowserRouter>
        <App />
      </BrowserRouter>
    </QueryClientProvider>
  </StrictMode>,
);
