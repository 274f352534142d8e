/**
 * The kernel API version providers declare compatibility with in their manifest's `kernel` range.
 * It moves with the provider-facing contract (SDK services, lifecycle, tokens), not with the package version.
 */
export const KERNEL_API_VERSION = '1.0.0';
