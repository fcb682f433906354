// Credentials: API keys in the OS keychain, connection metadata (never a key) in a JSON file.
export { keytarSecretStore, keychainHelp, KeychainUnavailableError, DEFAULT_SERVICE, type SecretStore } from './secret-store.js';
export { ConnectionsFile, ConnectionsFileError, writeFileAtomic, storedConnectionSchema, CONNECTIONS_FILE_NAME, type StoredConnection } from './connections-file.js';
