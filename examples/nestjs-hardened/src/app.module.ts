import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { AdminModule } from './admin/admin.module';
import { AuthModule } from './auth/auth.module';
import { JwtAuthGuard } from './auth/jwt-auth.guard';
import { HealthController } from './health.controller';
import { OrdersModule } from './orders/orders.module';
import { UsersModule } from './users/users.module';

// every route is authenticated and rate limited unless it opts out with @Public() or @SkipThrottle()
@Module({
  imports: [ThrottlerModule.forRoot([{ ttl: 60_000, limit: 300 }]), AuthModule, UsersModule, OrdersModule, AdminModule],
  controllers: [HealthController],
  providers: [
    { provide: APP_GUARD, useClass: ThrottlerGuard },
    { provide: APP_GUARD, useClass: JwtAuthGuard },
  ],
})
export class AppModule {}
