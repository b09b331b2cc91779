import { Module } from '@nestjs/common';
import { StaffAuthService } from './staff-auth.service.js';
import { StaffGuard } from './staff-guard.js';

@Module({ providers: [StaffAuthService, StaffGuard], exports: [StaffAuthService, StaffGuard] })
export class IdentityModule {}
