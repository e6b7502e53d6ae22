import { Body, Controller, Get, Param, Post, UseGuards } from '@nestjs/common';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';

@UseGuards(JwtAuthGuard)
@Controller('orders')
export class OrdersController {
  @Get()
  list() {
    return [];
  }

  @Post()
  create(@Body() body: { items: string[] }) {
    return body;
  }

  // a whole-table export with no rate limit
  @Get('export')
  export() {
    return 'id,total\n';
  }

  @Get(':orderId')
  findOne(@Param('orderId') orderId: string) {
    return { id: orderId };
  }
}
