using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DistaHilar.Core.Data;

/// <summary>One user's reaction to a message: at most one per user per message (PUT replaces it).</summary>
public sealed class MessageReaction
{
    /// <summary>The column's length (one emoji, with modifiers, in UTF-16).</summary>
    public const int MaxEmoji = 32;

    public Guid MessageId { get; init; }

    public Guid UserId { get; init; }

    public Guid ChatId { get; init; }

    public string Emoji { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class MessageReactionConfiguration : IEntityTypeConfiguration<MessageReaction>
{
    public void Configure(EntityTypeBuilder<MessageReaction> reaction)
    {
        reaction.ToTable("message_reactions");
        // One reaction per user per message, enforced by the key.
        reaction.HasKey(r => new { r.MessageId, r.UserId });
        reaction.Property(r => r.Emoji).HasMaxLength(MessageReaction.MaxEmoji);
        reaction.HasOne<Message>().WithMany().HasForeignKey(r => r.MessageId).OnDelete(DeleteBehavior.Cascade);
        reaction.HasOne<User>().WithMany().HasForeignKey(r => r.UserId).OnDelete(DeleteBehavior.Cascade);
        reaction.HasOne<Chat>().WithMany().HasForeignKey(r => r.ChatId).OnDelete(DeleteBehavior.Cascade);
        // Who reacted, per emoji, keyset-paginated.
        reaction.HasIndex(r => new { r.MessageId, r.Emoji, r.CreatedAt, r.UserId });
    }
}
