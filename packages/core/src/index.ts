export const KERNEL_API_VERSION = '1.0.0';
