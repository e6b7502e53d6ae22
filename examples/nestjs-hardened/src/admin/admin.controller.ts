import { Controller, Delete, Get, Param, UseGuards } from '@nestjs/common';
import { Roles, RolesGuard } from '../common/roles.guard';

@Roles('admin')
@UseGuards(RolesGuard)
@Controller('admin')
export class AdminController {
  @Get('users')
  users() {
    return [];
  }

  @Delete('users/:id')
  removeUser(@Param('id') _id: string) {}
}
