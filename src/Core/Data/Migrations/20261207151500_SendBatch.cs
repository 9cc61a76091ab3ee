using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DistaHilar.Core.Data.Migrations
{
    /// <summary>
    /// Group commit for one busy chat (Messages/SendLanes.cs): the sends that queued behind one chat's running send
    /// are written by one statement, one after the other, in one transaction and one commit. The model is unchanged.
    /// </summary>
    [DbContext(typeof(DistaHilarDbContext))]
    [Migration("20261207151500_SendBatch")]
    public partial class SendBatch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Each element is send_message as a lone send runs it, so a batch checks and numbers exactly like the sends
            // one by one (a later element sees the earlier ones: a repeated clientMessageId is "earlier"). Any error
            // undoes the whole batch; the caller then runs its elements alone, where each error has its meaning.
            migrationBuilder.Sql(@"CREATE FUNCTION send_messages(p_chat uuid, p_sends jsonb, p_failed smallint, p_channel smallint, p_dialog smallint, p_channel_poster smallint)
RETURNS TABLE (may_post boolean, earlier uuid, reply_ok boolean, media_ok boolean, seq bigint, chat_type smallint, outbox_id bigint, payload text)
LANGUAGE plpgsql
AS $fn$
DECLARE
    s jsonb;
BEGIN
    FOR s IN SELECT value FROM jsonb_array_elements(p_sends) LOOP
        RETURN QUERY SELECT * FROM send_message(p_chat, (s->>'sender')::uuid, (s->>'id')::uuid, s->>'clientId', s->>'text', (s->>'reply')::uuid,
            ARRAY(SELECT jsonb_array_elements_text(s->'mentioned')), ARRAY(SELECT jsonb_array_elements_text(s->'media')::uuid),
            (s->>'now')::timestamptz, p_failed, p_channel, p_dialog, p_channel_poster,
            (s->>'kind')::smallint, s->>'target', s->>'event', s->'payload',
            (s->>'createdAt')::timestamptz, (s->>'availableAt')::timestamptz, (s->>'publishedAt')::timestamptz);
    END LOOP;
END
$fn$;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP FUNCTION send_messages;");
        }
    }
}
