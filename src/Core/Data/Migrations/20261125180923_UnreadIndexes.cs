using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DistaHilar.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class UnreadIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_messages_mentioning",
                table: "messages",
                columns: new[] { "chat_id", "seq" },
                filter: "cardinality(mentions) > 0");

            migrationBuilder.CreateIndex(
                name: "ix_messages_tombstones",
                table: "messages",
                columns: new[] { "chat_id", "seq" },
                filter: "deleted_at IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_messages_mentioning",
                table: "messages");

            migrationBuilder.DropIndex(
                name: "ix_messages_tombstones",
                table: "messages");
        }
    }
}
