module Vpf.Properties.Placeholder

open FsCheck.Xunit

[<Property>]
let ``reversing a list twice gives it back`` (xs: int list) = List.rev (List.rev xs) = xs
