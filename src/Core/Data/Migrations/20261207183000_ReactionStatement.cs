using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DistaHilar.Core.Data.Migrations
{
    /// <summary>
    /// A reaction set or removed in one statement (Messages/Reactions.cs), as a send is: one round trip in autocommit
    /// instead of a transaction of eight. The model is unchanged.
    /// </summary>
    [DbContext(typeof(DistaHilarDbContext))]
    [Migration("20261207183000_ReactionStatement")]
    public partial class ReactionStatement : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The chat row is locked first, as by every change to a chat: reactions in one chat then run one after the
            // other, the checks after the lock see a removal that committed meanwhile, and each event's counts are the
            // current ones. Each statement of a plpgsql function reads anew (READ COMMITTED) and sees the ones before.
            // status: 0 done (changed or not), 1 no such chat for the caller (404), 2 a public chat they have not
            // joined (403), 3 no such live message (404). An emoji of null removes the caller's reaction.
            migrationBuilder.Sql(@"CREATE FUNCTION react_message(p_chat uuid, p_user uuid, p_message uuid, p_emoji text, p_now timestamptz, p_dialog smallint, p_kind smallint, p_target text, p_event text, p_payload jsonb, p_created_at timestamptz, p_available_at timestamptz, p_published_at timestamptz)
RETURNS TABLE (status smallint, reactions jsonb, outbox_id bigint, payload text)
LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan
AS $fn$
#variable_conflict use_column
DECLARE
    v_type smallint;
    v_public boolean;
    v_changed bigint;
    v_seq bigint;
    v_counts jsonb;
BEGIN
    SELECT c.type, c.is_public INTO v_type, v_public FROM chats c WHERE c.id = p_chat FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 1::smallint, NULL::jsonb, NULL::bigint, NULL::text;
        RETURN;
    END IF;

    IF NOT EXISTS (SELECT 1 FROM chat_members m WHERE m.chat_id = p_chat AND m.user_id = p_user) THEN
        RETURN QUERY SELECT (CASE WHEN v_type <> p_dialog AND v_public THEN 2 ELSE 1 END)::smallint, NULL::jsonb, NULL::bigint, NULL::text;
        RETURN;
    END IF;

    IF NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = p_message AND m.chat_id = p_chat AND m.deleted_at IS NULL) THEN
        RETURN QUERY SELECT 3::smallint, NULL::jsonb, NULL::bigint, NULL::text;
        RETURN;
    END IF;

    IF p_emoji IS NULL THEN
        DELETE FROM message_reactions r WHERE r.message_id = p_message AND r.user_id = p_user;
    ELSE
        INSERT INTO message_reactions (message_id, user_id, chat_id, emoji, created_at) VALUES (p_message, p_user, p_chat, p_emoji, p_now)
        ON CONFLICT (message_id, user_id) DO UPDATE SET emoji = excluded.emoji, created_at = excluded.created_at
        WHERE message_reactions.emoji <> excluded.emoji;
    END IF;
    GET DIAGNOSTICS v_changed = ROW_COUNT;

    -- Most first, then the earliest first, as a page of messages shows them (MessageViews.ReactionsAsync).
    SELECT COALESCE(jsonb_agg(jsonb_build_object('emoji', g.emoji, 'count', g.n, 'mine', g.mine) ORDER BY g.n DESC, g.first, g.emoji), '[]'::jsonb)
    INTO v_counts
    FROM (SELECT r.emoji, count(*) AS n, bool_or(r.user_id = p_user) AS mine, min(r.created_at) AS first
          FROM message_reactions r WHERE r.message_id = p_message GROUP BY r.emoji) g;

    IF v_changed = 0 THEN
        RETURN QUERY SELECT 0::smallint, v_counts, NULL::bigint, NULL::text;
        RETURN;
    END IF;

    UPDATE chats c SET event_seq = c.event_seq + 1 WHERE c.id = p_chat RETURNING c.event_seq INTO v_seq;
    -- Everyone gets the same event: no one's own reaction is marked in it.
    RETURN QUERY
    INSERT INTO outbox_messages (kind, target, chat_id, event, payload, created_at, available_at, attempts, logged, published_at)
    VALUES (p_kind, p_target, p_chat, p_event,
        jsonb_set(jsonb_set(p_payload, '{seq}', to_jsonb(v_seq)), '{data,reactions}',
            (SELECT COALESCE(jsonb_agg(e || '{""mine"": false}'::jsonb ORDER BY i), '[]'::jsonb) FROM jsonb_array_elements(v_counts) WITH ORDINALITY AS a(e, i))),
        p_created_at, p_available_at, 0, TRUE, p_published_at)
    RETURNING 0::smallint, v_counts, id, payload::text;
END
$fn$;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP FUNCTION react_message;");
        }
    }
}
