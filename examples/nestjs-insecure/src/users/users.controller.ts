import { Body, Controller, Delete, Get, Param, Patch, UseGuards } from '@nestjs/common';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';

@Controller('users')
export class UsersController {
  @UseGuards(JwtAuthGuard)
  @Get('me')
  me() {
    return { id: 'me' };
  }

  // the guard was put on `me` only: anyone can read, change and delete any user
  @Get(':id')
  findOne(@Param('id') id: string) {
    return { id, email: 'someone@example.com' };
  }

  @Patch(':id')
  update(@Param('id') id: string, @Body() body: { name: string }) {
    return { id, ...body };
  }

  @Delete(':id')
  remove(@Param('id') _id: string) {}
}
