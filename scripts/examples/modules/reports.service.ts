// The service the docs' specs test (its code is in docs/nestjs.md's quick start and README's NestJS quick start).
export declare class ReportsService {
  format(name: string): Promise<string>;
}
