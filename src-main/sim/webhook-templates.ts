// Two webhook templates as the AS's template store serves them (templates.go
// toPB of the YAML in TheThingsNetwork/lorawan-webhook-templates, datacake.yml
// and tago.yml), in the order of its templates.yml.
import type { JsonObject } from './json-path.js';

export const WEBHOOK_TEMPLATES: readonly JsonObject[] = [
  {
    ids: { template_id: 'datacake' },
    name: 'Datacake',
    description: 'Send data to Datacake via TTI adapter',
    logo_url: 'https://cdn.datacake-k8s.com/public/tts/datacake-logo-tts@256w.png',
    info_url: 'https://datacake.co/',
    documentation_url: 'https://docs.datacake.de/',
    base_url: 'https://api.datacake.co/integrations/lorawan/tti',
    headers: { Authorization: 'Token {token}' },
    format: 'json',
    fields: [{ id: 'token', name: 'Token', description: 'Datacake API Token', secret: true }],
    uplink_message: { path: '/' },
  },
  {
    ids: { template_id: 'tagoio' },
    name: 'TagoIO',
    description: 'Integrate with TagoIO',
    logo_url: 'https://partners.sigfox.com/assets/logo-for/5acccca69bffaf0001201a45',
    info_url: 'https://tago.io/',
    documentation_url: 'https://community.tago.io/t/how-to-integrate-tagoio-with-ttn-v3/374',
    base_url: 'https://ttn.middleware.tago.io',
    headers: { Authorization: '{auth}', 'Content-Type': 'application/json' },
    format: 'json',
    fields: [{ id: 'auth', name: 'Authorization', description: 'TagoIO Authorization', secret: true }],
    create_downlink_api_key: true,
    uplink_message: { path: '/uplink' },
  },
];
