using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DistaHilar.Core.Data;

/// <summary>
/// A medium attached to a message, in the order the sender gave. What makes media visible to others: the members of
/// the chat of a live message that uses it (and, for public chats, whoever may preview it).
/// </summary>
public sealed class MessageMedia
{
    public Guid MessageId { get; init; }

    public short Position { get; init; }

    public Guid MediaId { get; init; }
}

internal sealed class MessageMediaConfiguration : IEntityTypeConfiguration<MessageMedia>
{
    public void Configure(EntityTypeBuilder<MessageMedia> attachment)
    {
        attachment.ToTable("message_media");
        attachment.HasKey(a => new { a.MessageId, a.Position });
        // Access checks, media.updated's chats and the cleanup all go from a medium to its messages.
        attachment.HasIndex(a => a.MediaId);
        attachment.HasOne<Message>().WithMany().HasForeignKey(a => a.MessageId).OnDelete(DeleteBehavior.Cascade);
        attachment.HasOne<MediaAsset>().WithMany().HasForeignKey(a => a.MediaId).OnDelete(DeleteBehavior.Restrict);
    }
}
