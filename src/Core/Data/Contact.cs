namespace DistaHilar.Core.Data;

/// <summary>An entry in the owner's address book. It is one-way: the other user need not have the owner back.</summary>
public sealed class Contact
{
    public Guid OwnerId { get; init; }

    public Guid ContactId { get; init; }

    public string? Alias { get; set; }

    public DateTimeOffset CreatedAt { get; init; }
}
