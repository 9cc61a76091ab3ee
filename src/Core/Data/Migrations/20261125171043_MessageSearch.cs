using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DistaHilar.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class MessageSearch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Not in the EF model (entity queries never load it): MessageSearch reads it in SQL. 'simple': no
            // stemming or stop words, the same for every language users write in.
            migrationBuilder.Sql("ALTER TABLE messages ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (to_tsvector('simple', coalesce(text, ''))) STORED;");
            migrationBuilder.Sql("CREATE INDEX ix_messages_search_vector ON messages USING GIN (search_vector);");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX ix_messages_search_vector;");
            migrationBuilder.Sql("ALTER TABLE messages DROP COLUMN search_vector;");
        }
    }
}
