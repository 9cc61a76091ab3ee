using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DistaHilar.Core.Data.Migrations
{
    /// <summary>
    /// An edit or a pin written in one statement (Messages/MessageChanges.cs) after one read, instead of a transaction
    /// that held the chat row across six round trips. The model is unchanged.
    /// </summary>
    [DbContext(typeof(DistaHilarDbContext))]
    [Migration("20261207230000_MessageChangeStatement")]
    public partial class MessageChangeStatement : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The change was decided, and its event built, from a read without a lock. This statement locks the chat
            // row (as every change to a chat does), then writes only if what the read saw still holds: the caller is a
            // member with the role read (the change's rule was checked on it), the message is live with the edit and pin state read, and the message it
            // replies to, shown in the event's preview, is still live. Otherwise nothing is written.
            // status: 0 written, 1 no such chat for the caller (404), 2 a public chat they have not joined (403),
            // 3 something changed since the read (read again and decide anew).
            migrationBuilder.Sql(@"CREATE FUNCTION change_message(p_chat uuid, p_user uuid, p_message uuid, p_seen_role smallint, p_seen_edited timestamptz, p_seen_pinned timestamptz, p_reply uuid, p_text text, p_edited_at timestamptz, p_pinned_at timestamptz, p_pinned_by uuid, p_dialog smallint, p_kind smallint, p_target text, p_event text, p_payload jsonb, p_created_at timestamptz, p_available_at timestamptz, p_published_at timestamptz)
RETURNS TABLE (status smallint, outbox_id bigint, payload text)
LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan
AS $fn$
#variable_conflict use_column
DECLARE
    v_type smallint;
    v_public boolean;
    v_role smallint;
    v_seq bigint;
BEGIN
    SELECT c.type, c.is_public INTO v_type, v_public FROM chats c WHERE c.id = p_chat FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 1::smallint, NULL::bigint, NULL::text;
        RETURN;
    END IF;

    SELECT m.role INTO v_role FROM chat_members m WHERE m.chat_id = p_chat AND m.user_id = p_user;
    IF NOT FOUND THEN
        RETURN QUERY SELECT (CASE WHEN v_type <> p_dialog AND v_public THEN 2 ELSE 1 END)::smallint, NULL::bigint, NULL::text;
        RETURN;
    END IF;

    IF v_role <> p_seen_role
        OR (p_reply IS NOT NULL AND NOT EXISTS (SELECT 1 FROM messages r WHERE r.id = p_reply AND r.deleted_at IS NULL)) THEN
        RETURN QUERY SELECT 3::smallint, NULL::bigint, NULL::text;
        RETURN;
    END IF;

    UPDATE messages m SET text = p_text, edited_at = p_edited_at, pinned_at = p_pinned_at, pinned_by = p_pinned_by
    WHERE m.id = p_message AND m.chat_id = p_chat AND m.deleted_at IS NULL
        AND m.edited_at IS NOT DISTINCT FROM p_seen_edited AND m.pinned_at IS NOT DISTINCT FROM p_seen_pinned;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 3::smallint, NULL::bigint, NULL::text;
        RETURN;
    END IF;

    UPDATE chats c SET event_seq = c.event_seq + 1 WHERE c.id = p_chat RETURNING c.event_seq INTO v_seq;
    RETURN QUERY
    INSERT INTO outbox_messages (kind, target, chat_id, event, payload, created_at, available_at, attempts, logged, published_at)
    VALUES (p_kind, p_target, p_chat, p_event, jsonb_set(p_payload, '{seq}', to_jsonb(v_seq)), p_created_at, p_available_at, 0, TRUE, p_published_at)
    RETURNING 0::smallint, id, payload::text;
END
$fn$;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP FUNCTION change_message;");
        }
    }
}
