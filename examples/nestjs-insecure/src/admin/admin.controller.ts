import { Controller, Delete, Get, Param } from '@nestjs/common';

// an admin API without any guard
@Controller('admin')
export class AdminController {
  @Get('users')
  users() {
    return [];
  }

  @Delete('users/:id')
  removeUser(@Param('id') _id: string) {}
}
