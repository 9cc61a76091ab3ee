using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DistaHilar.Core.Data;

/// <summary>A user's chat folder ("All chats" is implicit, not a row).</summary>
public sealed class Folder
{
    /// <summary>Column lengths (the API's limits, <c>FolderRules</c>, are these).</summary>
    public const int MaxName = 32;
    public const int MaxIcon = 16;

    public Guid Id { get; init; }

    public Guid UserId { get; init; }

    public string Name { get; set; } = "";

    public string? Icon { get; set; }

    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A chat included in a folder.</summary>
public sealed class FolderChat
{
    public Guid FolderId { get; init; }

    public Guid ChatId { get; init; }
}

internal sealed class FolderConfiguration : IEntityTypeConfiguration<Folder>
{
    public void Configure(EntityTypeBuilder<Folder> folder)
    {
        folder.ToTable("folders");
        folder.HasKey(f => f.Id);
        folder.Property(f => f.Name).HasMaxLength(Folder.MaxName);
        folder.Property(f => f.Icon).HasMaxLength(Folder.MaxIcon);
        folder.HasOne<User>().WithMany().HasForeignKey(f => f.UserId).OnDelete(DeleteBehavior.Cascade);
        // My folders, in creation order.
        folder.HasIndex(f => new { f.UserId, f.CreatedAt });
    }
}

internal sealed class FolderChatConfiguration : IEntityTypeConfiguration<FolderChat>
{
    public void Configure(EntityTypeBuilder<FolderChat> entry)
    {
        entry.ToTable("folder_chats");
        entry.HasKey(e => new { e.FolderId, e.ChatId });
        entry.HasOne<Folder>().WithMany().HasForeignKey(e => e.FolderId).OnDelete(DeleteBehavior.Cascade);
        entry.HasOne<Chat>().WithMany().HasForeignKey(e => e.ChatId).OnDelete(DeleteBehavior.Cascade);
        // Deleting a chat removes it from folders.
        entry.HasIndex(e => e.ChatId);
    }
}
