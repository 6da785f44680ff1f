import OrderedCollections

// Literals make module results and tests readable: ["rc": 0, "msg": "ok"]. Deliberately not
// nil-literal expressible: `nil` must always mean Optional.none, never Python's None.
extension Value: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByFloatLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(arrayLiteral elements: Value...) { self = .list(elements) }
    public init(dictionaryLiteral elements: (String, Value)...) {
        self = .dict(OrderedDictionary(elements, uniquingKeysWith: { $1 }))
    }
}
