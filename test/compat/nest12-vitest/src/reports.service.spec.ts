import { Test, TestingModule } from '@nestjs/testing';
import { AsposeClient, TokenService } from 'aspose-cloud-auth';
import { AsposeAuthModule } from 'aspose-cloud-auth/nestjs';
import { startAsposeStandIn, type AsposeStandIn } from 'aspose-cloud-auth/testing';
import { ReportsService } from './reports.service.js';

// docs/nestjs.md, "Testing your app": the module pointed at the local stand-in.
describe('ReportsService', () => {
  let standIn: AsposeStandIn;
  let moduleRef: TestingModule;
  let reports: ReportsService;

  beforeEach(async () => {
    standIn = await startAsposeStandIn({ documents: 'any' }); // these apps read arbitrary document names: any but missing… answers
    moduleRef = await Test.createTestingModule({
      imports: [AsposeAuthModule.forRoot({ clientId: standIn.clientId, clientSecret: standIn.clientSecret, baseUrl: standIn.url })],
      providers: [ReportsService],
    }).compile();
    reports = moduleRef.get(ReportsService);
  });

  afterEach(async () => {
    await moduleRef?.close();
    await standIn?.close();
  });

  it('gets the client injected by its class (vitest emits the decorator metadata Nest reads)', () => {
    expect(Reflect.getMetadata('design:paramtypes', ReportsService)).toEqual([AsposeClient]);
    expect(moduleRef.get(AsposeClient)).toBeInstanceOf(AsposeClient);
  });

  it('calls the stand-in, three calls on one token', async () => {
    expect(await Promise.all([reports.format('a.docx'), reports.format('b.doc'), reports.format('c.docx')])).toEqual(['Docx', 'Doc', 'Docx']);
    expect(standIn.tokenRequests).toBe(1);
    expect(moduleRef.get(TokenService).stats.tokensIssued).toBe(1);
  });

  it('replays a call once after the stand-in revokes the token', async () => {
    await reports.format('a.docx');
    standIn.revoke();
    expect(await reports.format('a.docx')).toBe('Docx');
    expect(standIn.tokenRequests).toBe(2);
    expect(standIn.unauthorized).toBe(1);
  });
});
