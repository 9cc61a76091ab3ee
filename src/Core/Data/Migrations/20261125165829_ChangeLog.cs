using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DistaHilar.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class ChangeLog : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_outbox_messages_available_at_id",
                table: "outbox_messages");

            migrationBuilder.AddColumn<bool>(
                name: "logged",
                table: "outbox_messages",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "published_at",
                table: "outbox_messages",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_outbox_messages_available_at_id",
                table: "outbox_messages",
                columns: new[] { "available_at", "id" },
                filter: "published_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_outbox_messages_log_created",
                table: "outbox_messages",
                column: "created_at",
                filter: "logged");

            // The writing transaction's id orders the change log by what is safely committed (UpdatesService).
            // Not mapped in the model: EF has no xid8 type; only raw SQL reads it.
            migrationBuilder.Sql("ALTER TABLE outbox_messages ADD COLUMN tx xid8 NOT NULL DEFAULT pg_current_xact_id();");
            migrationBuilder.Sql("CREATE INDEX ix_outbox_messages_log_user ON outbox_messages (target, tx, id) WHERE logged AND kind = 1;");
            migrationBuilder.Sql("CREATE INDEX ix_outbox_messages_log_chat ON outbox_messages (chat_id, tx, id) WHERE logged AND kind = 2;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX ix_outbox_messages_log_user;");
            migrationBuilder.Sql("DROP INDEX ix_outbox_messages_log_chat;");
            migrationBuilder.Sql("ALTER TABLE outbox_messages DROP COLUMN tx;");

            migrationBuilder.DropIndex(
                name: "ix_outbox_messages_available_at_id",
                table: "outbox_messages");

            migrationBuilder.DropIndex(
                name: "ix_outbox_messages_log_created",
                table: "outbox_messages");

            migrationBuilder.DropColumn(
                name: "logged",
                table: "outbox_messages");

            migrationBuilder.DropColumn(
                name: "published_at",
                table: "outbox_messages");

            migrationBuilder.CreateIndex(
                name: "ix_outbox_messages_available_at_id",
                table: "outbox_messages",
                columns: new[] { "available_at", "id" });
        }
    }
}
