/**
 * The built-in library: names every program can use without declaring them. It is a dprog
 * document of its own (loaded by DprogWorkspaceManager), so built-ins link, hover and navigate
 * like user declarations. Their types live in types/builtin-types.ts.
 */
export const BUILTIN_LIBRARY_URI = 'builtin:/dprog-builtins.dprog';

export const BUILTIN_LIBRARY_TEXT = `// dprog built-ins (read-only)

builtin function crop(image, region) "crop(image: Image, region: box<L>) -> Image — the part of an image inside a box."

builtin member label "The class of a box, polygon, point or span: a member of its label set."
builtin member text "The text a span covers."
builtin member score "A model's confidence in its output, between 0 and 1."
builtin member path "An images dataset's implicit key: the image file's path relative to the program."
builtin member image "An images dataset's implicit image field."
`;

/** Members that every images dataset has without declaring them. */
export const IMAGE_DATASET_MEMBERS = ['path', 'image'] as const;
