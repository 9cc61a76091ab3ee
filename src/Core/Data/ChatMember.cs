using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DistaHilar.Core.Data;

/// <summary>Roles in rank order: a higher rank may act on lower ones only.</summary>
public enum ChatRole : short
{
    Member = 0,
    Moderator = 1,
    Admin = 2,
    Owner = 3,
}

/// <summary>A user's membership of a chat, with their own settings for it (mute, hidden).</summary>
public sealed class ChatMember
{
    public Guid ChatId { get; init; }

    public Guid UserId { get; init; }

    public ChatRole Role { get; set; }

    public DateTimeOffset JoinedAt { get; init; }

    /// <summary>Notifications off until then; <see cref="ChatRules.MutedForever"/> for "until I unmute".</summary>
    public DateTimeOffset? MutedUntil { get; set; }

    /// <summary>A dialog "deleted for me": out of my chat list until a new message arrives.</summary>
    public DateTimeOffset? HiddenAt { get; set; }

    /// <summary>My read pointer: the message sequence number I have read up to. Only moves forward.</summary>
    public long ReadSeq { get; set; }

    /// <summary>How far the read-state aggregator has counted my reads into messages' read counts (never past <see cref="ReadSeq"/>).</summary>
    public long ReadAppliedSeq { get; set; }
}

/// <summary>Someone removed from a group or channel: they cannot come back by link or public join, only when added again.</summary>
public sealed class ChatBan
{
    public Guid ChatId { get; init; }

    public Guid UserId { get; init; }

    public Guid? BannedBy { get; init; }

    public DateTimeOffset BannedAt { get; init; }
}

internal sealed class ChatMemberConfiguration : IEntityTypeConfiguration<ChatMember>
{
    public void Configure(EntityTypeBuilder<ChatMember> member)
    {
        member.ToTable("chat_members");
        member.HasKey(m => new { m.ChatId, m.UserId });
        member.Property(m => m.Role).HasConversion<short>();
        member.HasOne<Chat>().WithMany().HasForeignKey(m => m.ChatId).OnDelete(DeleteBehavior.Cascade);
        member.HasOne<User>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
        // My chats (chat list, membership renewal, presence peers).
        member.HasIndex(m => m.UserId);
        // The member list, keyset-paginated in join order.
        member.HasIndex(m => new { m.ChatId, m.JoinedAt, m.UserId });
    }
}

internal sealed class ChatBanConfiguration : IEntityTypeConfiguration<ChatBan>
{
    public void Configure(EntityTypeBuilder<ChatBan> ban)
    {
        ban.ToTable("chat_bans");
        ban.HasKey(b => new { b.ChatId, b.UserId });
        ban.HasOne<Chat>().WithMany().HasForeignKey(b => b.ChatId).OnDelete(DeleteBehavior.Cascade);
        ban.HasOne<User>().WithMany().HasForeignKey(b => b.UserId).OnDelete(DeleteBehavior.Cascade);
        ban.HasOne<User>().WithMany().HasForeignKey(b => b.BannedBy).OnDelete(DeleteBehavior.SetNull);
    }
}
