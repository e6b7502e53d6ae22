import { Module } from '@nestjs/common';
import { AdminModule } from './admin/admin.module';
import { AuthModule } from './auth/auth.module';
import { OrdersModule } from './orders/orders.module';
import { UsersModule } from './users/users.module';

// no global guard and no throttler: every controller has to remember its own guards
@Module({ imports: [AuthModule, UsersModule, OrdersModule, AdminModule] })
export class AppModule {}
