// The user every benchmark server returns: realistic sizes (uuid, names, email, two ms timestamps).
export const sampleUser = {
  id: '3f2b8c1e-9d4a-4f6b-8e2a-1c5d7e9f0a3b',
  username: 'ada_lovelace',
  email: 'ada.lovelace@example.com',
  fullName: 'Augusta Ada King, Countess of Lovelace',
  role: 2,
  createdAt: 1732233600123,
  updatedAt: 1763769600456,
};

/** Prints the bound port as the one line the benchmark waits for. */
export function announce(port) {
  process.stdout.write(`PORT ${port}\n`);
}
