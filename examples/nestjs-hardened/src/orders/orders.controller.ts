import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { Throttle } from '@nestjs/throttler';

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

  // exports cost more: a stricter limit of their own
  @Throttle({ default: { ttl: 60_000, limit: 5 } })
  @Get('export')
  export() {
    return 'id,total\n';
  }

  @Get(':orderId')
  findOne(@Param('orderId') orderId: string) {
    return { id: orderId };
  }
}
