import { describe, expect, it } from 'vitest';
import { SpoolerEnhancedStatus, SpoolerStatus } from '../src/index.js';

// Code written against an earlier name keeps compiling and gets the same thing.
describe('deprecated names', () => {
  it('SpoolerStatus is SpoolerEnhancedStatus', () => {
    expect(SpoolerStatus).toBe(SpoolerEnhancedStatus);
    expect(SpoolerEnhancedStatus.timeout).toBe('4.4.1');
    expect(SpoolerEnhancedStatus.expired).toBe('4.4.7');
  });
});
