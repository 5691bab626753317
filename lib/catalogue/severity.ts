/** How urgent a detection is; used for severity routing of notifications. */
export enum Severity {
  /** Someone should look now (root use, logging or key tampering). */
  HIGH = 'HIGH',
  /** Look today (network and policy changes). */
  MEDIUM = 'MEDIUM',
  /** Review in a digest (noisy or informational). */
  LOW = 'LOW',
}
