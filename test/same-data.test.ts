/** Deep equality of plain data (`sameData`, `sameObject` in `lsp/incremental.ts`): what tells the server a result or a finding is unchanged. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameData, sameObject } from '../server/src/lsp/incremental';

test('plain data is the same when every key and item is, at any depth, and not when a key, an item or a length differs', () => {
  const data = () => ({ file: 'a.yaml', range: { start: { line: 1, character: 2 }, end: { line: 1, character: 5 } }, tags: ['x', 'y'], note: undefined });
  assert.ok(sameData(data(), data()));
  assert.ok(!sameData(data(), { ...data(), tags: ['x'] }));
  assert.ok(!sameData(data(), { ...data(), tags: ['x', 'z'] }));
  assert.ok(!sameData(data(), { ...data(), extra: 1 }), 'a key more');
  const { note: _note, ...fewer } = data();
  assert.ok(!sameData(data(), fewer), 'a key fewer, though its value is undefined');
  assert.ok(!sameData(fewer, data()));
  assert.ok(!sameData(data(), { ...data(), range: { ...data().range, end: { line: 1, character: 6 } } }));
  assert.ok(!sameData([1, 2], { 0: 1, 1: 2, length: 2 }), 'an array is not an object with its items');
  assert.ok(!sameData({ 0: 1, 1: 2, length: 2 }, [1, 2]));
  assert.ok(!sameData(null, {}) && !sameData({}, null) && sameData(null, null));
});

test('keys ignored by sameObject may differ in value, not in presence; pairs found equal are remembered', () => {
  const equal = new WeakMap<object, object>();
  const ignored = (key: string) => key === 'range';
  assert.ok(sameObject({ a: 1, range: 1 }, { a: 1, range: 2 }, equal, ignored));
  assert.ok(!sameObject({ a: 1, range: 1 }, { a: 1 }, equal, ignored));
  assert.ok(!sameObject({ a: 1, range: 1 }, { a: 2, range: 1 }, equal, ignored));
  const shared = { deep: [1, 2, 3] };
  const copy = { deep: [1, 2, 3] };
  assert.ok(sameData({ x: shared }, { x: copy }, equal));
  assert.equal(equal.get(shared), copy, 'the inner pair is remembered for the items that share it');
});
