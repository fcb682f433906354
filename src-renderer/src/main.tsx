import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './styles/base.css';
import './styles/layout.css';
import './styles/controls.css';
import './styles/messages.css';
import './styles/overlays.css';
import './styles/connections.css';
import './styles/workspace.css';
import './styles/lists.css';
import './styles/plan.css';
import './styles/progress.css';
import './styles/triggers.css';
import './styles/arrivals.css';
import './styles/application.css';
import './styles/gateways.css';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
