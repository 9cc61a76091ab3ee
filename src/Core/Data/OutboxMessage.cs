using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DistaHilar.Core.Data;

/// <summary>What an outbox row asks the SignalR Service to do.</summary>
public enum OutboxKind
{
    /// <summary>Send <see cref="OutboxMessage.Payload"/> to every connection of the user in <see cref="OutboxMessage.Target"/>.</summary>
    SendToUser = 1,

    /// <summary>Send to every connection in the group <see cref="OutboxMessage.Target"/>.</summary>
    SendToGroup = 2,

    /// <summary>Add the user <see cref="OutboxMessage.Target"/> to <see cref="OutboxMessage.Group"/>.</summary>
    AddToGroup = 3,

    /// <summary>Remove the user <see cref="OutboxMessage.Target"/> from <see cref="OutboxMessage.Group"/>.</summary>
    RemoveFromGroup = 4,

    /// <summary>Close the connection <see cref="OutboxMessage.Target"/> (one that connected with an ended session).</summary>
    CloseConnection = 5,

    /// <summary>Close every connection of the session <see cref="OutboxMessage.Target"/>, as recorded when they connected.</summary>
    CloseSessionConnections = 6,

    /// <summary>Close every connection of the user <see cref="OutboxMessage.Target"/> (all their sessions ended).</summary>
    CloseUserConnections = 7,
}

/// <summary>
/// One realtime call, written in the same transaction as the change that causes it. <see cref="AvailableAt"/> is when
/// the dispatcher may take it: a little after the commit for rows the writing request publishes itself, then later and
/// later after each failed attempt. Once handled (sent, or refused for good) a row is deleted, unless it is
/// <see cref="Logged"/>: then it is kept as part of the change log <c>GET /api/updates</c> reads, marked
/// <see cref="PublishedAt"/>, until the retention ends. The table also has a <c>tx xid8</c> column (the writing
/// transaction's id, filled by PostgreSQL) that orders the log by commit visibility; it is not mapped here.
/// </summary>
public sealed class OutboxMessage
{
    public long Id { get; init; }

    public OutboxKind Kind { get; init; }

    public string Target { get; init; } = "";

    public string? Group { get; init; }

    /// <summary>For group membership rows: the chat whose membership row must still exist when the grant is sent.</summary>
    public Guid? ChatId { get; init; }

    /// <summary>The client method (event name) for sends.</summary>
    public string? Event { get; init; }

    /// <summary>The event envelope as JSON, for sends.</summary>
    public string? Payload { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset AvailableAt { get; set; }

    public int Attempts { get; set; }

    /// <summary>A lasting change a client catching up must see (not presence, not group membership calls).</summary>
    public bool Logged { get; init; }

    /// <summary>When the row was handled; null while it is still due for delivery.</summary>
    public DateTimeOffset? PublishedAt { get; init; }
}

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> message)
    {
        message.ToTable("outbox_messages");
        message.HasKey(m => m.Id);
        message.Property(m => m.Id).UseIdentityAlwaysColumn();
        message.Property(m => m.Kind).HasConversion<short>();
        message.Property(m => m.Target).HasMaxLength(160);
        message.Property(m => m.Group).HasMaxLength(160);
        message.Property(m => m.Event).HasMaxLength(64);
        message.Property(m => m.Payload).HasColumnType("jsonb");
        // The dispatcher's scan: due rows, the longest-due first. Handled rows kept for the change log are not in it.
        message.HasIndex(m => new { m.AvailableAt, m.Id }).HasFilter("published_at IS NULL");
        // Pruning the change log by age. Its read paths index the unmapped tx column (raw SQL in the Baseline migration).
        message.HasIndex(m => m.CreatedAt).HasDatabaseName("ix_outbox_messages_log_created").HasFilter("logged");
    }
}
