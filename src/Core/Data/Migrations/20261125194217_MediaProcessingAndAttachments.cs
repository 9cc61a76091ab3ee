using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DistaHilar.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class MediaProcessingAndAttachments : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<short>(
                name: "media_count",
                table: "messages",
                type: "smallint",
                nullable: false,
                defaultValue: (short)0);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "processed_at",
                table: "media",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "removable_after",
                table: "media",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "message_media",
                columns: table => new
                {
                    message_id = table.Column<Guid>(type: "uuid", nullable: false),
                    position = table.Column<short>(type: "smallint", nullable: false),
                    media_id = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_message_media", x => new { x.message_id, x.position });
                    table.ForeignKey(
                        name: "fk_message_media_media_media_id",
                        column: x => x.media_id,
                        principalTable: "media",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_message_media_messages_message_id",
                        column: x => x.message_id,
                        principalTable: "messages",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_media_removable_after",
                table: "media",
                column: "removable_after",
                filter: "removable_after IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_message_media_media_id",
                table: "message_media",
                column: "media_id");

            // Uploads from before the cleanup existed: removable a day after upload unless a message uses them.
            migrationBuilder.Sql("UPDATE media SET removable_after = created_at + interval '24 hours' WHERE NOT EXISTS (SELECT 1 FROM message_media a WHERE a.media_id = media.id)");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "message_media");

            migrationBuilder.DropIndex(
                name: "ix_media_removable_after",
                table: "media");

            migrationBuilder.DropColumn(
                name: "media_count",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "processed_at",
                table: "media");

            migrationBuilder.DropColumn(
                name: "removable_after",
                table: "media");
        }
    }
}
