Console.WriteLine("w2s");
