using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DistaHilar.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class SessionBoundConnections : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Connections recorded without their session cannot be closed with it; they register again on reconnect.
            migrationBuilder.Sql("DELETE FROM user_connections");

            migrationBuilder.AddColumn<Guid>(
                name: "session_id",
                table: "user_connections",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.CreateIndex(
                name: "ix_user_connections_session_id",
                table: "user_connections",
                column: "session_id");

            migrationBuilder.CreateIndex(
                name: "ix_sessions_revoked_at",
                table: "sessions",
                column: "revoked_at",
                filter: "revoked_at IS NOT NULL");

            migrationBuilder.AddForeignKey(
                name: "fk_user_connections_sessions_session_id",
                table: "user_connections",
                column: "session_id",
                principalTable: "sessions",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_user_connections_sessions_session_id",
                table: "user_connections");

            migrationBuilder.DropIndex(
                name: "ix_user_connections_session_id",
                table: "user_connections");

            migrationBuilder.DropIndex(
                name: "ix_sessions_revoked_at",
                table: "sessions");

            migrationBuilder.DropColumn(
                name: "session_id",
                table: "user_connections");
        }
    }
}
