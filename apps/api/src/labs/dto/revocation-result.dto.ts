import { ApiProperty } from '@nestjs/swagger';

export class RevocationResultDto {
  @ApiProperty({ description: 'Sessions ended at once: they had not been issued, so there was nothing to deny.' })
  revoked!: number;
  @ApiProperty({
    description:
      'Sessions now REVOKING: they become REVOKED once AWS has accepted the deny. Until then the sessions list shows failureCode RevocationPending with the reason, and the lab stream a revocation.pending event.',
  })
  revoking!: number;
}

export class EndLabResultDto extends RevocationResultDto {
  @ApiProperty() labId!: string;
  @ApiProperty({ enum: ['ENDED'] }) state!: string;
}
