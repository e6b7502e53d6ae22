import { Module } from '@nestjs/common';
import { AuthController } from './auth.controller';
import { JwtAuthGuard } from './jwt-auth.guard';

@Module({ controllers: [AuthController], providers: [JwtAuthGuard], exports: [JwtAuthGuard] })
export class AuthModule {}
