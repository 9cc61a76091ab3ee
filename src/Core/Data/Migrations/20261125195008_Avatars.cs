using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DistaHilar.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class Avatars : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "avatar_media_id",
                table: "users",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "avatar_media_id",
                table: "chats",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_users_avatar_media_id",
                table: "users",
                column: "avatar_media_id",
                filter: "avatar_media_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_chats_avatar_media_id",
                table: "chats",
                column: "avatar_media_id",
                filter: "avatar_media_id IS NOT NULL");

            migrationBuilder.AddForeignKey(
                name: "fk_chats_media_avatar_media_id",
                table: "chats",
                column: "avatar_media_id",
                principalTable: "media",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_users_media_avatar_media_id",
                table: "users",
                column: "avatar_media_id",
                principalTable: "media",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_chats_media_avatar_media_id",
                table: "chats");

            migrationBuilder.DropForeignKey(
                name: "fk_users_media_avatar_media_id",
                table: "users");

            migrationBuilder.DropIndex(
                name: "ix_users_avatar_media_id",
                table: "users");

            migrationBuilder.DropIndex(
                name: "ix_chats_avatar_media_id",
                table: "chats");

            migrationBuilder.DropColumn(
                name: "avatar_media_id",
                table: "users");

            migrationBuilder.DropColumn(
                name: "avatar_media_id",
                table: "chats");
        }
    }
}
