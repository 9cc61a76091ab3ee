namespace DistaHilar.Core.Auth.Passwords;

/// <summary>A stored hash taken apart: the costs it was made with, its salt and its tag.</summary>
internal readonly record struct Argon2idHash(Argon2Parameters Parameters, byte[] Salt, byte[] Tag);
