import { Module } from '@nestjs/common';
import { TenancyModule } from '@front-counter/tenancy';
import { StaffAuthService } from './staff-auth.service.js';
import { StaffGuard } from './staff-guard.js';

@Module({ imports: [TenancyModule], providers: [StaffAuthService, StaffGuard], exports: [StaffAuthService, StaffGuard] })
export class IdentityModule {}
