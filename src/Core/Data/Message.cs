using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DistaHilar.Core.Data;

/// <summary>A message in a chat, numbered by <see cref="Seq"/> (1, 2, 3 … per chat, in commit order, no gaps).</summary>
public sealed class Message
{
    /// <summary>Column lengths (the API's limits, <c>MessageRules</c>, are these).</summary>
    public const int MaxText = 4096;
    public const int MaxClientMessageId = 64;

    public Guid Id { get; init; }

    public Guid ChatId { get; init; }

    public long Seq { get; init; }

    public Guid SenderId { get; init; }

    /// <summary>The sender's idempotency key: a retry with the same key returns this message instead of a duplicate.</summary>
    public string? ClientMessageId { get; init; }

    public string? Text { get; set; }

    public Guid? ReplyToId { get; init; }

    /// <summary>A forward: the original message's author, chat, id and time (of the first original, for a forward of a forward).</summary>
    public Guid? ForwardedFromSenderId { get; init; }

    public Guid? ForwardedFromChatId { get; init; }

    public Guid? ForwardedFromMessageId { get; init; }

    public DateTimeOffset? ForwardedFromCreatedAt { get; init; }

    /// <summary>Users mentioned with <c>@username</c> who were members when it was sent: their unread-mention counts.</summary>
    public Guid[] Mentions { get; init; } = [];

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>A service message's record (JSON), e.g. a call's outcome; null for what people wrote.</summary>
    public string? Service { get; init; }

    /// <summary>How many media are attached (message_media): pages of text never look for attachments.</summary>
    public short MediaCount { get; init; }

    /// <summary>How many members other than the sender have read it (in channels: its views), kept by the aggregator.</summary>
    public int ReadCount { get; set; }

    public DateTimeOffset? EditedAt { get; set; }

    /// <summary>Pinned in its chat (several messages may be); null when not pinned.</summary>
    public DateTimeOffset? PinnedAt { get; set; }

    public Guid? PinnedBy { get; set; }

    /// <summary>Deleted for everyone: the row stays as a tombstone (so sequence numbers keep no holes) without content.</summary>
    public DateTimeOffset? DeletedAt { get; set; }
}

internal sealed class MessageConfiguration : IEntityTypeConfiguration<Message>
{
    /// <summary>The unique index a retried send or forward runs into (named by the snake_case convention).</summary>
    public const string ClientMessageIdIndex = "ix_messages_chat_id_sender_id_client_message_id";

    public void Configure(EntityTypeBuilder<Message> message)
    {
        message.ToTable("messages");
        message.Property(m => m.Service).HasColumnType("jsonb");
        message.HasKey(m => m.Id);
        message.Property(m => m.Text).HasMaxLength(Message.MaxText);
        message.Property(m => m.ClientMessageId).HasMaxLength(Message.MaxClientMessageId);
        // A plain comparer for change tracking: the provider's default array comparer built a delegate on every
        // snapshot and comparison (profiled on sends).
        message.Property(m => m.Mentions).Metadata.SetValueComparer(new ValueComparer<Guid[]>(
            (a, b) => ReferenceEquals(a, b) || (a != null && b != null && a.SequenceEqual(b)),
            a => a.Length,
            a => a.ToArray()));
        message.HasOne<Chat>().WithMany().HasForeignKey(m => m.ChatId).OnDelete(DeleteBehavior.Cascade);
        message.HasOne<User>().WithMany().HasForeignKey(m => m.SenderId).OnDelete(DeleteBehavior.Restrict);
        // History pages (before/after/around), the last message and unread counts: everything walks (chat_id, seq).
        message.HasIndex(m => new { m.ChatId, m.Seq }).IsUnique();
        // Full-text search reads a generated tsvector column with a GIN index (raw SQL in the Baseline migration). It is not
        // mapped, so history pages never carry it; MessageSearch queries it in SQL.
        // Unread counts (UnreadCounts): the few tombstones and mentioning messages after a read pointer.
        message.HasIndex(m => new { m.ChatId, m.Seq }, "ix_messages_tombstones").HasDatabaseName("ix_messages_tombstones").HasFilter("deleted_at IS NOT NULL");
        message.HasIndex(m => new { m.ChatId, m.Seq }, "ix_messages_mentioning").HasDatabaseName("ix_messages_mentioning").HasFilter("cardinality(mentions) > 0");
        // Idempotent sends: one message per (chat, sender, clientMessageId).
        message.HasIndex(m => new { m.ChatId, m.SenderId, m.ClientMessageId }).IsUnique().HasFilter("client_message_id IS NOT NULL");
    }
}

/// <summary>A message deleted "for me": hidden from that member's history only.</summary>
public sealed class HiddenMessage
{
    public Guid UserId { get; init; }

    public Guid MessageId { get; init; }

    public Guid ChatId { get; init; }
}

internal sealed class HiddenMessageConfiguration : IEntityTypeConfiguration<HiddenMessage>
{
    public void Configure(EntityTypeBuilder<HiddenMessage> hidden)
    {
        hidden.ToTable("hidden_messages");
        // History pages anti-join on (user_id, message_id).
        hidden.HasKey(h => new { h.UserId, h.MessageId });
        hidden.HasOne<User>().WithMany().HasForeignKey(h => h.UserId).OnDelete(DeleteBehavior.Cascade);
        hidden.HasOne<Message>().WithMany().HasForeignKey(h => h.MessageId).OnDelete(DeleteBehavior.Cascade);
        hidden.HasOne<Chat>().WithMany().HasForeignKey(h => h.ChatId).OnDelete(DeleteBehavior.Cascade);
        hidden.HasIndex(h => h.ChatId);
    }
}
