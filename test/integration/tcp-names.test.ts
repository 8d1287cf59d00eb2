import { describe, expect, it } from 'vitest';
import { useTcpServer } from '../helpers/tcp-fixture.js';

const tcp = useTcpServer();

// Each was accepted beside the real name before names compared by confusable skeleton.
const attacks: ReadonlyArray<{ real: string | null; spoof: string; refusal: string }> = [
  { real: 'alice', spoof: 'аlice', refusal: 'A name cannot mix Latin and Cyrillic letters (they look alike).' },
  { real: 'alice', spoof: 'alice\u034f', refusal: 'A name cannot contain invisible characters (U+034F).' },
  { real: null, spoof: '\u3164\u3164\u3164', refusal: 'A name cannot be made only of invisible characters.' },
  { real: null, spoof: 'ＳＥＲＶＥＲ', refusal: '"ＳＥＲＶＥＲ" is reserved: the server speaks as "SERVER".' },
  { real: null, spoof: 'Parley_Bot', refusal: '"Parley_Bot" is reserved: the server speaks as "Parley Bot".' },
  { real: 'BOB', spoof: 'ВОВ', refusal: 'Name "ВОВ" is already taken.' },
  { real: 'bob', spoof: 'b0b', refusal: 'Name "b0b" is already taken.' },
];

describe('TCP: names that look alike are one name', () => {
  it.each(attacks)('text mode refuses $spoof beside $real', async ({ real, spoof, refusal }) => {
    if (real !== null) await tcp.named(real);
    const attacker = await tcp.open();
    await attacker.waitFor('Enter your name:');
    attacker.send(spoof);
    await attacker.waitFor(`${refusal} Choose a different name:`);
    attacker.send('mallory');
    await attacker.waitFor((line) => line.startsWith('Welcome, mallory!'));
  });

  it.each(attacks)('JSON lines refuses $spoof beside $real', async ({ real, spoof, refusal }) => {
    if (real !== null) await tcp.hello(real);
    const attacker = await tcp.open();
    attacker.json({ type: 'hello', name: spoof, id: 'h' });
    const error = await attacker.waitForJson((m) => m.type === 'error' && m.re === 'h');
    expect(error).toMatchObject({ code: real === null || !refusal.startsWith('Name ') ? 'invalid_name' : 'name_taken', text: refusal });
  });
});
