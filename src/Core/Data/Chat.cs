using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DistaHilar.Core.Data;

public enum ChatType : short
{
    Dialog = 1,
    Group = 2,
    Channel = 3,
}

/// <summary>A dialog (two users), a group, or a channel (owner and admins post, subscribers read).</summary>
public sealed class Chat
{
    /// <summary>Column lengths (the API's limits, <c>ChatRules</c>, are these).</summary>
    public const int MaxTitle = 128;
    public const int MaxDescription = 255;

    public Guid Id { get; init; }

    public ChatType Type { get; init; }

    /// <summary>Null for dialogs: each side sees the other's name.</summary>
    public string? Title { get; set; }

    public string? Description { get; set; }

    public string? AvatarUrl { get; set; }

    /// <summary>The uploaded image behind <see cref="AvatarUrl"/> (set through <c>PUT /api/chats/{id}/avatar</c>).</summary>
    public Guid? AvatarMediaId { get; set; }

    /// <summary>Groups and channels only: previewable and joinable by anyone.</summary>
    public bool IsPublic { get; set; }

    /// <summary>The current invite code; rotating it kills the old one. Null until an owner or admin makes one.</summary>
    public string? InviteCode { get; set; }

    public Guid? CreatedBy { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Newest activity (creation, then messages): the chat list's order.</summary>
    public DateTimeOffset LastActivityAt { get; set; }

    /// <summary>The last event sequence number given out; every chat event takes the next one, inside its transaction.</summary>
    public long EventSeq { get; set; }

    public int MemberCount { get; set; }

    /// <summary>The last message sequence number given out (messages are numbered 1, 2, 3 … per chat, no gaps).</summary>
    public long LastMessageSeq { get; set; }

    /// <summary>Dialogs only: the two users in a fixed order, unique together, so each pair has one dialog.</summary>
    public Guid? DialogUserLow { get; init; }

    public Guid? DialogUserHigh { get; init; }
}

internal sealed class ChatConfiguration : IEntityTypeConfiguration<Chat>
{
    public void Configure(EntityTypeBuilder<Chat> chat)
    {
        chat.ToTable("chats", t => t.HasCheckConstraint(
            "ck_chats_dialog_pair",
            "(type = 1) = (dialog_user_low IS NOT NULL AND dialog_user_high IS NOT NULL AND dialog_user_low < dialog_user_high)"));
        chat.HasKey(c => c.Id);
        chat.Property(c => c.Type).HasConversion<short>();
        chat.Property(c => c.Title).HasMaxLength(Chat.MaxTitle);
        chat.Property(c => c.Description).HasMaxLength(Chat.MaxDescription);
        chat.Property(c => c.AvatarUrl).HasMaxLength(2048);
        chat.Property(c => c.InviteCode).HasMaxLength(64);
        // Join by invite code.
        chat.HasIndex(c => c.InviteCode).IsUnique();
        chat.HasIndex(c => c.AvatarMediaId).HasFilter("avatar_media_id IS NOT NULL");
        chat.HasOne<MediaAsset>().WithMany().HasForeignKey(c => c.AvatarMediaId).OnDelete(DeleteBehavior.Restrict);
        // One dialog per pair, enforced by the database (two racing creations: one wins, the other finds it).
        chat.HasIndex(c => new { c.DialogUserLow, c.DialogUserHigh }).IsUnique().HasFilter("type = 1");
        chat.HasOne<User>().WithMany().HasForeignKey(c => c.CreatedBy).OnDelete(DeleteBehavior.SetNull);
        chat.HasOne<User>().WithMany().HasForeignKey(c => c.DialogUserLow).OnDelete(DeleteBehavior.Restrict);
        chat.HasOne<User>().WithMany().HasForeignKey(c => c.DialogUserHigh).OnDelete(DeleteBehavior.Restrict);
        // Chat search over titles (substring, public and my own).
        chat.HasIndex(c => c.Title).HasMethod("gin").HasOperators("gin_trgm_ops").HasDatabaseName("ix_chats_title_trgm");
    }
}
